namespace AlSafe.TestSupport.Net;

/// <summary>How one TCP or UDP probe ended, told apart so a test can say where a packet was stopped.</summary>
public enum ProbeOutcome
{
    /// <summary>The server answered with the probe's token: the path works both ways.</summary>
    Echoed,

    /// <summary>The TCP connection was refused: the SYN arrived and an RST came back, so nothing dropped it.</summary>
    Refused,

    /// <summary>No answer at all within the deadline: the SYN or datagram (or its answer) was dropped on the way.</summary>
    TimedOut,

    /// <summary>The TCP connection opened but the token never came back.</summary>
    NoEcho,

    /// <summary>Anything else (another socket error); the probe's detail says what.</summary>
    Failed,
}
