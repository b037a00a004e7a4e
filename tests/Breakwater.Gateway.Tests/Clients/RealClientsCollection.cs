namespace Breakwater.Gateway.Tests.Clients;

/// <summary>The real-client tests run one after another: each starts node or Chromium, which would starve each other on 2 cores.</summary>
[CollectionDefinition(Name)]
public sealed class RealClientsCollection
{
    public const string Name = "Real clients";
}
