using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Decisions;

/// <summary>
/// Who holds one socket inode without being allowed to: the first such holder, and the first one of another
/// process, so that an allowed holder can always be told about a process other than itself when there is one.
/// </summary>
internal readonly record struct DeniedHolders(GuestProcess First, GuestProcess? Other)
{
    public DeniedHolders With(GuestProcess holder) =>
        Other is null && holder.Pid != First.Pid ? this with { Other = holder } : this;

    /// <summary>The holder to name to <paramref name="allowed"/>: itself only when it alone also holds the inode unallowed, through another descriptor.</summary>
    public GuestProcess Blame(GuestProcess allowed) => First.Pid != allowed.Pid || Other is null ? First : Other;
}
