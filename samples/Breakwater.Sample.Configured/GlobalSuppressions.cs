using System.Diagnostics.CodeAnalysis;

// Program.cs is the README's second sample, line for line (SampleTests), so the reason lives here rather than in it.
[assembly: SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Scope = "member", Target = "~M:Program.<Main>$(System.String[])", Justification = "The handler is handed to AnthropicClient.Handlers, which chains it in front of the client's HttpClient; it lives as long as the client, which is disposed at the end of the program.")]
