// Replaced by the README sample.
System.Console.WriteLine("Breakwater sample");
