using System.Collections.Concurrent;
using AlSafe.Interop.Ovsdb;
using AlSafe.Interop.Switch;
using AlSafe.TestSupport.Ovs;
using NUnit.Framework;

namespace AlSafe.Tests.Switch;

/// <summary>What every test against a real switch needs: the skip rule, a private switch, and a firewall on it whose
/// log lines the test can read.</summary>
internal static class SwitchOvs
{
    public static async Task<OvsInstance> StartAsync()
    {
        if (!OvsInstance.IsInstalled() || Environment.UserName != "root")
        {
            Assert.Ignore("needs Open vSwitch (Debian package openvswitch-switch) and root");
        }

        return await OvsInstance.StartAsync();
    }

    /// <summary>A firewall on <paramref name="ovs"/> that reconnects quickly and reconciles only when asked, unless
    /// <paramref name="reconcileInterval"/> says otherwise.</summary>
    public static SwitchFirewall Firewall(OvsInstance ovs, ConcurrentQueue<string> log, bool withDatabase = false,
        TimeSpan? reconcileInterval = null) => new(new SwitchFirewallOptions
        {
            ManagementSocket = ovs.ManagementSocket,
            Bridge = ovs.Bridge,
            RequestTimeout = TimeSpan.FromSeconds(10),
            ReconnectInitialBackoff = TimeSpan.FromMilliseconds(50),
            ReconnectMaxBackoff = TimeSpan.FromMilliseconds(500),
            ReconcileInterval = reconcileInterval ?? Timeout.InfiniteTimeSpan,
            OvsdbEndpoint = withDatabase ? OvsdbEndpoint.Unix(OvsdbServerControl.DatabaseSocket(ovs)) : null,
            Log = log.Enqueue,
        });

    /// <summary>Polls <paramref name="condition"/> until it holds, failing the test after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{what} did not happen within {timeout}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
