using Breakwater.Cli;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(CommandRegistry.Register);
return await app.RunAsync(args);
