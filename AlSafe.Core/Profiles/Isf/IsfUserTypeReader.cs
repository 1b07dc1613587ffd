using System.Text.Json;

namespace AlSafe.Core.Profiles.Isf;

/// <summary>Parses one user type's JSON object, located by <see cref="IsfDocument"/>, into its size and members.</summary>
internal static class IsfUserTypeReader
{
    public static IsfUserType Read(ReadOnlySpan<byte> json, IsfDocument document, string name, string origin)
    {
        var reader = new Utf8JsonReader(json[document.UserTypes[name]]);
        reader.Read();
        ulong? size = null;
        var members = new List<IsfMember>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("size"u8))
            {
                size = IsfJson.ReadUInt64(ref reader, origin, $"user_types.{name}.size");
            }
            else if (reader.ValueTextEquals("fields"u8))
            {
                ReadMembers(ref reader, origin, name, members);
            }
            else
            {
                IsfJson.SkipValue(ref reader);
            }
        }

        return new IsfUserType(size ?? throw new FormatException($"{origin}: user_types.{name} has no size"), members);
    }

    private static void ReadMembers(ref Utf8JsonReader reader, string origin, string owner, List<IsfMember> members)
    {
        IsfJson.EnterObject(ref reader, origin, $"user_types.{owner}.fields");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            members.Add(ReadMember(ref reader, origin, owner, reader.GetString()!));
        }
    }

    private static IsfMember ReadMember(ref Utf8JsonReader reader, string origin, string owner, string name)
    {
        var where = $"user_types.{owner}.fields.{name}";
        IsfJson.EnterObject(ref reader, origin, where);
        ulong? offset = null;
        var anonymous = false;
        IsfTypeReference? type = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("offset"u8))
            {
                offset = IsfJson.ReadUInt64(ref reader, origin, $"{where}.offset");
            }
            else if (reader.ValueTextEquals("anonymous"u8))
            {
                anonymous = IsfJson.ReadBoolean(ref reader, origin, $"{where}.anonymous");
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                type = ReadTypeReference(ref reader, origin, $"{where}.type");
            }
            else
            {
                IsfJson.SkipValue(ref reader);
            }
        }

        var found = type ?? throw new FormatException($"{origin}: {where} has no type");
        return new IsfMember(
            name,
            offset ?? throw new FormatException($"{origin}: {where} has no offset"),
            found.Kind,
            found.Name,
            anonymous,
            found.BitPosition,
            found.BitLength);
    }

    /// <summary>Reads the outer kind and name of a member's type, and a bitfield's bits; nested subtypes say nothing
    /// about layout here.</summary>
    private static IsfTypeReference ReadTypeReference(ref Utf8JsonReader reader, string origin, string where)
    {
        IsfJson.EnterObject(ref reader, origin, where);
        string? kind = null;
        string? name = null;
        ulong? bitPosition = null;
        ulong? bitLength = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("kind"u8))
            {
                kind = IsfJson.ReadString(ref reader, origin, $"{where}.kind");
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                name = IsfJson.ReadString(ref reader, origin, $"{where}.name");
            }
            else if (reader.ValueTextEquals("bit_position"u8))
            {
                bitPosition = IsfJson.ReadUInt64(ref reader, origin, $"{where}.bit_position");
            }
            else if (reader.ValueTextEquals("bit_length"u8))
            {
                bitLength = IsfJson.ReadUInt64(ref reader, origin, $"{where}.bit_length");
            }
            else
            {
                IsfJson.SkipValue(ref reader);
            }
        }

        return new IsfTypeReference(kind, name, bitPosition, bitLength);
    }
}
