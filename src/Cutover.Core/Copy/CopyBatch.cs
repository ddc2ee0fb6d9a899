using Cutover.Transform;

namespace Cutover.Copy;

/// <summary>
/// A batch on its way from the reader to the writer: transformed rows and the last source key it covers.
/// <see cref="Replay"/>: the rows may already be on the target (a crash came between a batch's commit and its checkpoint), so they are upserted.
/// </summary>
internal sealed record CopyBatch(TransformedRow[] Rows, object?[] LastKey, bool Replay = false);
