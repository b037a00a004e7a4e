using Spectre.Console.Rendering;

namespace Breakwater.Cli.Terminal;

/// <summary>
/// Renders its content on one line whatever the console's width, for lines a person copies: URLs, identifiers,
/// commands (<c>export ANTHROPIC_BASE_URL=…</c>). A narrow terminal soft-wraps them, which copies back as one line.
/// </summary>
internal sealed class Unwrapped : Renderable
{
    private const int Wide = int.MaxValue / 4;
    private readonly IRenderable _inner;

    public Unwrapped(IRenderable inner) => _inner = inner;

    /// <inheritdoc />
    protected override Measurement Measure(RenderOptions options, int maxWidth) => _inner.Measure(options, Wide);

    /// <inheritdoc />
    protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => _inner.Render(options, Wide);
}
