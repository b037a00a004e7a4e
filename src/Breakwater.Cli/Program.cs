using Breakwater.Cli;
using Breakwater.Cli.Terminal;
using Spectre.Console;

// One console per stream for the whole process: results on stdout, errors on stderr, each at the terminal's width or,
// when redirected, wide enough that nothing is hard-wrapped. Code that writes through AnsiConsole gets stdout's.
var consoles = CliConsoles.ForProcess();
AnsiConsole.Console = consoles.Out;
return await CliApp.RunAsync(args, consoles);
