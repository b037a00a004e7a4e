namespace Breakwater.Fuzz;

/// <summary>A named target, what it checks, and the valid samples its mutations start from.</summary>
internal sealed record FuzzTarget(string Name, string Checks, FuzzAction Run, IReadOnlyList<byte[]> Seeds);
