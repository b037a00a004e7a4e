namespace Breakwater.Gateway.Features.Proxy;

/// <summary>Which of the two pipeline endpoints a path names.</summary>
internal enum MessagesRoute
{
    /// <summary>Neither: a forwarded route.</summary>
    None,

    /// <summary><c>/v1/messages</c>.</summary>
    Messages,

    /// <summary><c>/v1/messages/count_tokens</c>.</summary>
    CountTokens,
}
