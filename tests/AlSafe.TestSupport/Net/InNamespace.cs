using System.Runtime.InteropServices;

namespace AlSafe.TestSupport.Net;

/// <summary>
/// Runs code inside a named network namespace (<c>ip netns</c>) in this process: setns moves only the calling thread,
/// so a short-lived thread of its own enters the namespace, runs the code and goes back. Sockets made there stay in
/// that namespace for good, which is how a test sends traffic from a namespace without starting a process.
/// </summary>
public static class InNamespace
{
    private const int NewNetworkNamespace = 0x40000000;

    /// <summary>Runs <paramref name="action"/> on a thread inside the namespace at <paramref name="namespacePath"/>
    /// (/run/netns/NAME) and returns its result; its exception is rethrown wrapped, naming the namespace.</summary>
    /// <exception cref="TimeoutException">The thread did not finish within <paramref name="bound"/>.</exception>
    public static T Run<T>(string namespacePath, TimeSpan bound, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = Inside(namespacePath, action);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        if (!thread.Join(bound))
        {
            throw new TimeoutException($"work inside {namespacePath} did not finish within {bound}");
        }

        return failure is null
            ? result
            : throw new InvalidOperationException($"inside {namespacePath}: {failure.Message}", failure);
    }

    private static T Inside<T>(string namespacePath, Func<T> action)
    {
        using var own = File.OpenHandle("/proc/thread-self/ns/net");
        using var target = File.OpenHandle(namespacePath);
        Enter(target.DangerousGetHandle().ToInt32(), namespacePath);
        try
        {
            return action();
        }
        finally
        {
            Enter(own.DangerousGetHandle().ToInt32(), "the thread's own network namespace");
        }
    }

    private static void Enter(int fd, string what)
    {
        if (SetNamespace(fd, NewNetworkNamespace) != 0)
        {
            throw new InvalidOperationException($"setns into {what} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    // DllImport rather than LibraryImport, which would need unsafe code in this project.
    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNamespace(int fd, int type);
}
