namespace AlSafe.Core.Decisions;

/// <summary>How a socket uses the network, which decides the whitelist direction it is judged against.</summary>
public enum SocketRole : byte
{
    /// <summary>Not using the network (unbound, closed, TIME_WAIT): blocked, and no rule is ever made for it.</summary>
    Idle = 0,

    /// <summary>Serves: a TCP listener or a bound, unconnected UDP socket. Judged against In lines.</summary>
    Server = 1,

    /// <summary>A connection a listener of the same process accepted: served traffic, judged against In lines.</summary>
    Accepted = 2,

    /// <summary>Connects out: a connected TCP socket that no listener of its process accepted, or a connected UDP socket.</summary>
    Client = 3,

    /// <summary>Holds values no kernel would produce: discarded with a reason, never judged.</summary>
    Implausible = 4,
}
