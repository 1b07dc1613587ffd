namespace AlSafe.Core.Introspection;

/// <summary>An introspection that could not produce a trustworthy view. The message says where the walk stopped.</summary>
public sealed class IntrospectionException : Exception
{
    public IntrospectionException(IntrospectionFault fault, string message)
        : base(message)
    {
        Fault = fault;
    }

    public IntrospectionException(IntrospectionFault fault, string message, Exception inner)
        : base(message, inner)
    {
        Fault = fault;
    }

    public IntrospectionFault Fault { get; }
}
