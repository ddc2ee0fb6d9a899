namespace Cutover.Testing.Conformance;

/// <summary>Value comparisons the conformance suites share.</summary>
public static class ValueAssert
{
    /// <summary>Same kind and same content; doubles compared bit for bit (so -0.0 is not 0.0).</summary>
    public static void Same(object? expected, object? actual)
    {
        switch (expected)
        {
            case null:
                Assert.Null(actual);
                break;
            case double d:
                Assert.Equal(BitConverter.DoubleToInt64Bits(d), BitConverter.DoubleToInt64Bits(Assert.IsType<double>(actual)));
                break;
            case byte[] b:
                Assert.Equal(b, Assert.IsType<byte[]>(actual));
                break;
            default:
                Assert.Equal(expected.GetType(), actual?.GetType());
                Assert.Equal(expected, actual);
                break;
        }
    }

    /// <summary>Same number of rows, and row by row, cell by cell, <see cref="Same"/>.</summary>
    public static void SameRows(IReadOnlyList<object?[]> expected, IReadOnlyList<object?[]> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var r = 0; r < expected.Count; r++)
        {
            Assert.Equal(expected[r].Length, actual[r].Length);
            for (var c = 0; c < expected[r].Length; c++)
            {
                Same(expected[r][c], actual[r][c]);
            }
        }
    }
}
