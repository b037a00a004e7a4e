namespace Breakwater.Pipeline;

/// <summary>Per (client, model) state. Health mechanisms (breaker, limiter, throttle) hang here.</summary>
internal sealed class ModelState
{
    public ModelState(string model, ClientState client)
    {
        Model = model;
        Client = client;
    }

    public string Model { get; }

    public ClientState Client { get; }
}
