using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Breakwater.Gateway.Hosting;

/// <summary>
/// The keys an options type binds, as the configuration binder sees them: properties by name (or
/// <see cref="ConfigurationKeyNameAttribute"/>, where a name with ':' reaches into a nested section), collections
/// and dictionaries by any key, values by their type.
/// </summary>
internal sealed class ConfigurationShape
{
    private const int MaxDepth = 16;

    private ConfigurationShape(Type? valueType, Dictionary<string, ConfigurationShape>? children, ConfigurationShape? anyChild, bool open)
    {
        ValueType = valueType;
        Children = children ?? new Dictionary<string, ConfigurationShape>(StringComparer.OrdinalIgnoreCase);
        AnyChild = anyChild;
        Open = open;
    }

    /// <summary>The type of a value (a leaf: string, number, enum, TimeSpan…); null for a section.</summary>
    public Type? ValueType { get; }

    /// <summary>The named keys of a section.</summary>
    public Dictionary<string, ConfigurationShape> Children { get; }

    /// <summary>The shape of every child of a collection or dictionary (any key).</summary>
    public ConfigurationShape? AnyChild { get; }

    /// <summary>Anything goes below (the <c>Logging</c> section).</summary>
    public bool Open { get; }

    /// <summary>A section whose keys are not checked.</summary>
    public static ConfigurationShape Anything { get; } = new(null, null, null, open: true);

    /// <summary>The shape of <paramref name="type"/>.</summary>
    public static ConfigurationShape Of(Type type) => Of(type, 0);

    /// <summary>Adds a key (possibly nested, <c>A:B</c>) to this section.</summary>
    public void Add(string path, ConfigurationShape shape)
    {
        var parts = path.Split(':', 2);
        if (parts.Length == 1)
        {
            if (Children.TryGetValue(parts[0], out var existing) && existing.ValueType is null && shape.ValueType is null)
            {
                // A nested key added first (Breakwater:Journal) and then its section's own keys (Breakwater): keep both.
                foreach (var (key, child) in existing.Children)
                {
                    shape.Children.TryAdd(key, child);
                }
            }

            Children[parts[0]] = shape;
            return;
        }

        if (!Children.TryGetValue(parts[0], out var section))
        {
            section = new ConfigurationShape(null, null, null, open: false);
            Children[parts[0]] = section;
        }

        section.Add(parts[1], shape);
    }

    private static ConfigurationShape Of(Type type, int depth)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (IsValue(t))
        {
            return new ConfigurationShape(t, null, null, open: false);
        }

        if (depth > MaxDepth || t == typeof(object))
        {
            return Anything;
        }

        if (t.IsArray)
        {
            return new ConfigurationShape(null, null, Of(t.GetElementType()!, depth + 1), open: false);
        }

        if ((Generic(t, typeof(IDictionary<,>)) ?? Generic(t, typeof(IReadOnlyDictionary<,>))) is { } dictionary)
        {
            return new ConfigurationShape(null, null, Of(dictionary[1], depth + 1), open: false);
        }

        if (Generic(t, typeof(IEnumerable<>)) is { } enumerable)
        {
            return new ConfigurationShape(null, null, Of(enumerable[0], depth + 1), open: false);
        }

        var shape = new ConfigurationShape(null, null, null, open: false);
        foreach (var property in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var name = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
            shape.Add(name, Of(property.PropertyType, depth + 1));
        }

        return shape;
    }

    private static bool IsValue(Type t) =>
        t == typeof(string) || t.IsEnum || t.IsPrimitive || TypeDescriptor.GetConverter(t).CanConvertFrom(typeof(string));

    private static Type[]? Generic(Type t, Type definition)
    {
        if (t.IsGenericType && t.GetGenericTypeDefinition() == definition)
        {
            return t.GetGenericArguments();
        }

        return t.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition)?.GetGenericArguments();
    }
}
