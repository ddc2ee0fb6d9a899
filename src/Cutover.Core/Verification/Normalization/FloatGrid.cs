namespace Cutover.Verification.Normalization;

/// <summary>
/// The grid a <c>float_tolerance</c> puts doubles on for checksums. Its step is the largest power of two not above the
/// tolerance, so scaling by it is exact and a value's cell is computed without rounding: two doubles on the same grid value
/// lie in one half-open cell narrower than the tolerance. (A step of the tolerance itself would divide by it, and the
/// rounded quotient can put values further apart than the tolerance into one cell, or overflow.)
/// </summary>
internal static class FloatGrid
{
    /// <summary>The exponent of the grid step for <paramref name="tolerance"/> (&gt; 0): 2^e &lt;= tolerance &lt; 2^(e+1).</summary>
    public static int StepExponent(double tolerance) => Math.ILogB(tolerance);

    /// <summary>
    /// <paramref name="x"/> rounded down to a multiple of 2^<paramref name="stepExponent"/>. NaN and infinities are kept. A
    /// value whose scaled form would overflow is kept too: it is a multiple of the step already (its last bit is worth more).
    /// </summary>
    public static double Snap(double x, int stepExponent)
    {
        if (!double.IsFinite(x))
        {
            return x;
        }
        var scaled = Math.ScaleB(x, -stepExponent);
        if (!double.IsFinite(scaled))
        {
            return x;
        }
        var snapped = Math.ScaleB(Math.Floor(scaled), stepExponent);
        return double.IsFinite(snapped) ? snapped : x;
    }
}
