namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>The journal's episodes (bursts of failures) of the last day, newest first.</summary>
/// <param name="Source"><c>journal</c>, <c>memory</c> (journal off: the failures kept in memory), or <c>error</c>.</param>
/// <param name="Items">The episodes, newest first.</param>
/// <param name="Error">Why the journal could not be read, or <c>null</c>.</param>
internal sealed record EpisodesInfo(string Source, IReadOnlyList<EpisodeInfo> Items, string? Error);
