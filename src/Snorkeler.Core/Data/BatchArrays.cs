using System.Collections.Concurrent;

namespace Snorkeler.Data;

/// <summary>
/// Arrays of parsed data batches and of label-matrix blocks read from files, handed back by their one consumer when
/// done (the applier's workers, <c>predict</c>), for the next ones. A batch of a CSV chunk is a megabyte or more, a
/// block of a 50-LF matrix 3 MB; allocated afresh each time, it lands in memory the operating system has not mapped
/// yet, and each first touch of a page is a fault (~14 µs each on the benchmark's virtual machine: a third of the
/// time of a million-row apply). Reused, they stay mapped. A consumer that does not hand arrays back changes nothing.
/// </summary>
internal static class BatchArrays
{
    /// <summary>Arrays kept per element type: a few batches per worker thread are in flight at once.</summary>
    private const int Kept = 32;

    private static class Of<T>
    {
        public static readonly ConcurrentBag<T[]> Free = [];
    }

    /// <summary>An array of at least <paramref name="length"/> elements, not cleared (a returned one, or a new one with some room to spare).</summary>
    public static T[] Rent<T>(int length)
    {
        if (Of<T>.Free.TryTake(out var array) && array.Length >= length) return array;
        // A returned array too short for this batch is dropped; the new one has room for somewhat larger batches.
        return GC.AllocateUninitializedArray<T>(length + length / 8);
    }

    /// <summary>Hands <paramref name="array"/> back; the caller must not use it afterwards.</summary>
    public static void Return<T>(T[]? array)
    {
        if (array is not null && Of<T>.Free.Count < Kept) Of<T>.Free.Add(array);
    }
}
