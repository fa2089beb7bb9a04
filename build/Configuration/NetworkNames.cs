using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace EtcdForge.Configuration;

// The strict reading of addresses and DNS names in a cluster description. IPAddress.TryParse is lenient on
// purpose (it takes "127.0.0.021" as octal, "10.1" as 10.0.0.1 and "fe80::1%lo" with a zone), and a description
// whose text means something other than what it says must be refused, not silently turned into another address.
public static partial class NetworkNames
{
    public const int MaxNameLength = 253;

    /// <returns>the address when text is a dotted-quad IPv4 without leading zeros or an IPv6 address without a zone
    /// spelled as it prints (RFC 5952: lower case, zeros compressed); null otherwise.</returns>
    public static IPAddress? CanonicalIp(string text)
    {
        if (DottedQuad().IsMatch(text)) return IPAddress.Parse(text);
        if (!text.Contains(':') || text.Contains('%') || !IPAddress.TryParse(text, out var ip)) return null;
        return ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.ToString() == text ? ip : null;
    }

    // For the error message: what to do about text that is meant as an address but is not written as CanonicalIp wants.
    public static string HowToWrite(string text)
    {
        if (text.Contains('%')) return "drop the IPv6 zone (%...): certificates and etcd's URLs cannot carry it";
        if (text.Contains(':') && IPAddress.TryParse(text, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6)
            return $"write it as {ip} (lower case, zeros compressed)";
        return "write an IPv4 address spelled out as four numbers 0-255 without leading zeros, e.g. 198.18.0.11";
    }

    // Addresses a member cannot be reached at: it listens on, and advertises, exactly this address.
    public static string? MemberAddressProblem(IPAddress ip)
    {
        if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) return "is the unspecified address (it means 'every interface', no peer can reach it)";
        if (ip.Equals(IPAddress.Broadcast)) return "is the broadcast address";
        if (ip.AddressFamily == AddressFamily.InterNetwork && ip.GetAddressBytes()[0] is >= 224 and <= 239 || ip.IsIPv6Multicast) return "is a multicast address";
        return null;
    }

    /// <returns>null when text is an RFC 1123 host name (optionally a leading "*." wildcard for a SAN); else why not.</returns>
    public static string? HostnameProblem(string text)
    {
        if (text.Length > MaxNameLength) return $"is {text.Length} characters long; a DNS name has at most {MaxNameLength}";
        if (!Hostname().IsMatch(text)) return "is not a DNS name (letters, digits and '-' in dot-separated labels of at most 63 characters)";
        // "10.1" or "0x7f000001" would be read as an IP address by resolvers and TLS libraries alike.
        var last = text[(text.LastIndexOf('.') + 1)..];
        if (last.All(char.IsAsciiDigit) || IPAddress.TryParse(text, out _)) return "looks like an IP address but is not one written in full; write the address as a.b.c.d";
        return null;
    }

    [GeneratedRegex(@"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$")]
    private static partial Regex DottedQuad();

    [GeneratedRegex(@"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex Hostname();
}
