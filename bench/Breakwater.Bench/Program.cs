using Breakwater.Bench.Hardening;
using Breakwater.Bench.Overhead;
using Breakwater.Bench.Servers;

// Sub-commands: "overhead" runs the whole gateway overhead benchmark; the serve-* ones are the child processes it
// starts, so that every proxy has a process (and an RSS) of its own.
var command = args.Length > 0 ? args[0] : "overhead";
var rest = args.Skip(1).ToArray();
if (command.StartsWith("serve-", StringComparison.Ordinal))
{
    AllocationSampler.StartIfRequested();
}

return command switch
{
    "overhead" => await OverheadRunner.RunAsync(OverheadOptions.Parse(rest)),
    "streams" => await StreamsRunner.RunAsync(rest),
    "soak" => await SoakRunner.RunAsync(rest),
    "serve-yarp" => await YarpForwarderServer.RunAsync(rest),
    "serve-gateway" => await GatewayServer.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Breakwater.Bench overhead [--duration S] [--warmup S] [--ttfb N] [--streams N] [--json FILE] [--no-portkey] [--portkey-dir DIR]");
    Console.Error.WriteLine("       Breakwater.Bench streams [--streams N] [--hold S] [--calls N] [--config FILE] [--gateway-command CMD] [--json FILE]");
    Console.Error.WriteLine("       Breakwater.Bench soak [--minutes M] [--stream-workers N] [--deltas N] [--delta-ms MS] [--json-workers N] [--json-pause-ms MS] [--sample S] [--full-gc-at-end] [--config FILE] [--gateway-command CMD] [--json FILE]");
    return 2;
}
