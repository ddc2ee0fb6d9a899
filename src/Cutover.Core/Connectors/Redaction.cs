using System.Text.RegularExpressions;

namespace Cutover.Connectors;

/// <summary>Removes secrets from connection strings before they are shown anywhere.</summary>
public static partial class Redaction
{
    /// <summary>Masks <c>user:password@</c> in URIs and <c>Password=...</c> in key/value strings.</summary>
    public static string Redact(string text)
    {
        var s = UserInfo().Replace(text, "$1***@");
        return PasswordPair().Replace(s, "$1***");
    }

    [GeneratedRegex(@"(://[^:/@\s]+:)[^@\s]*@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"((?:password|pwd)\s*=\s*)[^;\s]*", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordPair();
}
