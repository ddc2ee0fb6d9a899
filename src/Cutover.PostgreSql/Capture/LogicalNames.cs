using System.Security.Cryptography;
using System.Text;
using Cutover.PostgreSql.Internal;

namespace Cutover.PostgreSql.Capture;

/// <summary>
/// The name of a plan's publication and replication slot, <c>cutover_PLAN</c>. A slot name may hold only lower-case letters,
/// digits and underscores, and at most 63 bytes (<see cref="PostgreSqlIdentifiers.MaxBytes"/>): any other character becomes
/// an underscore, and a name that had to change (or be cut) ends with a hash of the plan's name, so two plans never share one.
/// </summary>
internal static class LogicalNames
{
    private const string Prefix = "cutover_";

    public static string For(string planName)
    {
        var sb = new StringBuilder(Prefix);
        foreach (var ch in planName)
        {
            sb.Append(ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? ch : '_');
        }
        var name = sb.ToString();
        if (name == Prefix + planName && name.Length <= PostgreSqlIdentifiers.MaxBytes && planName.Length > 0)
        {
            return name;
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(planName)))[..8];
        var room = PostgreSqlIdentifiers.MaxBytes - hash.Length - 1;
        return (name.Length > room ? name[..room] : name) + "_" + hash;
    }
}
