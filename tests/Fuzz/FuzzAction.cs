namespace Breakwater.Fuzz;

/// <summary>One fuzz target: takes any bytes, and throws only when it found a bug (an exception the code under test must never throw, or a broken invariant).</summary>
internal delegate void FuzzAction(ReadOnlySpan<byte> data);
