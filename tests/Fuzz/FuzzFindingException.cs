namespace Breakwater.Fuzz;

/// <summary>An invariant a target checks did not hold for an input (as opposed to an exception the code threw itself).</summary>
internal sealed class FuzzFindingException : Exception
{
    public FuzzFindingException()
    {
    }

    public FuzzFindingException(string message)
        : base(message)
    {
    }

    public FuzzFindingException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
