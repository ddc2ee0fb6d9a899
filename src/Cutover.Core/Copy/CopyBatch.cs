using Cutover.Transform;

namespace Cutover.Copy;

/// <summary>A batch on its way from the reader to the writer: transformed rows and the last source key it covers.</summary>
internal sealed record CopyBatch(TransformedRow[] Rows, object?[] LastKey);
