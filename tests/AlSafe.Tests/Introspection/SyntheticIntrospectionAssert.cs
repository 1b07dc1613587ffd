using AlSafe.Core.Introspection;
using NUnit.Framework;

namespace AlSafe.Tests.Introspection;

/// <summary>Asserts how an introspection of a hostile guest fails.</summary>
internal static class SyntheticIntrospectionAssert
{
    /// <summary>Expects an <see cref="IntrospectionException"/> with one of <paramref name="faults"/> whose message
    /// mentions every one of <paramref name="mentions"/>, so that an operator can tell where the walk stopped.</summary>
    public static IntrospectionException Fails(Action introspect, IntrospectionFault[] faults, params string[] mentions)
    {
        var e = Assert.Throws<IntrospectionException>(() => introspect())!;
        Assert.That(faults, Does.Contain(e.Fault), $"fault {e.Fault}: {e.Message}");
        foreach (var mention in mentions)
        {
            Assert.That(e.Message, Does.Contain(mention));
        }

        TestContext.Out.WriteLine($"{e.Fault}: {e.Message}");
        return e;
    }

    public static IntrospectionException Fails(Action introspect, IntrospectionFault fault, params string[] mentions) =>
        Fails(introspect, [fault], mentions);
}
