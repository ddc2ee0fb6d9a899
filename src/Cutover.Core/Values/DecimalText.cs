using System.Text;

namespace Cutover.Values;

/// <summary>
/// Reads decimal numbers written as text (<c>-12.50</c>, <c>1E-300</c>, <c>.5</c>) exactly, with no binary rounding, and
/// writes them in one canonical form: an optional <c>-</c>, the integer digits without leading zeros (<c>0</c> when there are
/// none), then a <c>.</c> and the fraction digits without trailing zeros when there is a fraction. No exponent, no <c>+</c>,
/// no <c>-0</c>. <c>12.50</c>, <c>1.25e1</c> and <c>012.5</c> are all <c>12.5</c>. Used for PostgreSQL <c>numeric</c> and for
/// JSON numbers (docs/checksums.md).
/// </summary>
public static class DecimalText
{
    /// <summary>PostgreSQL numeric's limits: up to 131072 digits before the point and 16383 after it.</summary>
    public const int MaxIntegerDigits = 131072;

    public const int MaxFractionDigits = 16383;

    /// <summary>
    /// Normalizes <paramref name="text"/>. Accepts an optional sign, digits with an optional point (at least one digit), and an
    /// optional exponent (<c>e</c> or <c>E</c>, optional sign, digits). False, with a reason, for anything else or for a value
    /// beyond numeric's limits.
    /// </summary>
    public static bool TryNormalize(string text, out string canonical, out int integerDigits, out int fractionDigits, out string reason)
    {
        canonical = "";
        integerDigits = fractionDigits = 0;
        reason = "";
        var s = text.AsSpan();
        var i = 0;
        var negative = false;
        if (i < s.Length && s[i] is '+' or '-')
        {
            negative = s[i] == '-';
            i++;
        }
        var digits = new StringBuilder(s.Length);
        var beforePoint = 0;
        var sawPoint = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
                if (!sawPoint)
                {
                    beforePoint++;
                }
            }
            else if (c == '.' && !sawPoint)
            {
                sawPoint = true;
            }
            else
            {
                break;
            }
        }
        if (digits.Length == 0)
        {
            reason = "is not a number";
            return false;
        }
        long exponent = 0;
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            var expNegative = false;
            if (i < s.Length && s[i] is '+' or '-')
            {
                expNegative = s[i] == '-';
                i++;
            }
            var start = i;
            for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
            {
                // Past a billion the number is far outside numeric's range whatever its digits; stop counting.
                if (exponent < 1_000_000_000)
                {
                    exponent = (exponent * 10) + (s[i] - '0');
                }
            }
            if (i == start)
            {
                reason = "is not a number (exponent without digits)";
                return false;
            }
            exponent = expNegative ? -exponent : exponent;
        }
        if (i != s.Length)
        {
            reason = "is not a number";
            return false;
        }

        // value = 0.d1 d2 ... dn x 10^point
        var first = 0;
        while (first < digits.Length && digits[first] == '0')
        {
            first++;
        }
        var last = digits.Length;
        while (last > first && digits[last - 1] == '0')
        {
            last--;
        }
        if (first == last)
        {
            canonical = "0";
            return true;
        }
        var significant = last - first;
        var point = beforePoint - first + exponent;
        var intDigits = Math.Max(point, 0);
        var fracDigits = Math.Max(significant - point, 0);
        if (intDigits > MaxIntegerDigits || fracDigits > MaxFractionDigits)
        {
            reason = "is outside the range of PostgreSQL numeric (131072 digits before the point, 16383 after)";
            return false;
        }
        var sb = new StringBuilder((int)(intDigits + fracDigits + 3));
        if (negative)
        {
            sb.Append('-');
        }
        if (point <= 0)
        {
            sb.Append("0.").Append('0', (int)-point).Append(digits.ToString(first, significant));
        }
        else if (point >= significant)
        {
            sb.Append(digits.ToString(first, significant)).Append('0', (int)(point - significant));
        }
        else
        {
            sb.Append(digits.ToString(first, (int)point)).Append('.').Append(digits.ToString(first + (int)point, significant - (int)point));
        }
        canonical = sb.ToString();
        integerDigits = (int)intDigits;
        fractionDigits = (int)fracDigits;
        return true;
    }
}
