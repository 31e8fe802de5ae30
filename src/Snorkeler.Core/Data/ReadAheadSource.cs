using System.Runtime.ExceptionServices;

namespace Snorkeler.Data;

/// <summary>
/// A source whose first chunks are read and parsed on a background thread from the moment it is made, while the
/// caller does other start-up work (loading the LFs): on two cores that work used one, and a 100 K-row apply spent a
/// fifth of its time there (docs/benchmarks.md, seventh pass). The first pass over the rows in chunks (the applier's, with more than one thread) of the size it
/// was made for takes the chunks read so far and reads the rest itself, from where the background thread stopped;
/// every other read (and every read in batches) goes to the wrapped source. The rows, their order and every error are those of the wrapped
/// source: a chunk that failed to parse fails when it is parsed, a read that failed fails after the chunks before it.
/// Sources that cannot be read in chunks are passed through untouched.
/// </summary>
public sealed class ReadAheadSource : IChunkedSource, IDisposable
{
    private readonly IDataSource _inner;
    private readonly int _rowsPerBatch;
    private readonly int _chunks;
    private readonly int _parsed;
    private readonly Queue<RowChunk> _ready = new();
    private readonly Thread? _thread;
    private IEnumerator<RowChunk>? _rest;
    private ExceptionDispatchInfo? _readError;
    private bool _stop;
    private bool _stopped;
    private bool _claimed;

    /// <summary>
    /// Starts reading the first <paramref name="chunks"/> chunks of <paramref name="rowsPerBatch"/> rows of
    /// <paramref name="inner"/>, and parsing the first <paramref name="parsed"/> of them. Parsing more than the
    /// readers would hold parsed at once (one a worker) only adds arrays, whose fresh pages cost more than the parse.
    /// </summary>
    public ReadAheadSource(IDataSource inner, int rowsPerBatch, int chunks, int parsed)
    {
        _inner = Guard.NotNull(inner);
        _rowsPerBatch = Guard.Positive(rowsPerBatch);
        _chunks = Guard.Positive(chunks);
        _parsed = Math.Clamp(parsed, 0, chunks);
        if (inner is not IChunkedSource)
        {
            _stopped = true;
            return;
        }
        _thread = new Thread(ReadFirstChunks) { IsBackground = true, Name = "snorkeler read-ahead" };
        _thread.Start();
    }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <inheritdoc />
    public IReadOnlyList<string> Files => _inner.Files;

    /// <inheritdoc />
    public DataSchema Schema => _inner.Schema;

    /// <inheritdoc />
    public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch) => _inner.ReadBatches(rowsPerBatch);

    IEnumerable<RowChunk> IChunkedSource.ReadChunks(int rowsPerBatch)
        => TryClaim(rowsPerBatch) ? Claimed()
            : _inner is IChunkedSource chunked ? chunked.ReadChunks(rowsPerBatch)
            : _inner.ReadBatches(rowsPerBatch).Select(b => new RowChunk(b));

    /// <summary>Stops the background reading (at most one chunk is then still read) and releases what it holds.</summary>
    public void Dispose()
    {
        StopAndWait();
        lock (_ready)
        {
            _ready.Clear();
            _rest?.Dispose();
            _rest = null;
            _claimed = true;
        }
    }

    private void ReadFirstChunks()
    {
        try
        {
            var rest = ((IChunkedSource)_inner).ReadChunks(_rowsPerBatch).GetEnumerator();
            lock (_ready) _rest = rest;
            for (var i = 0; i < _chunks; i++)
            {
                lock (_ready)
                    if (_stop) break;
                if (!rest.MoveNext())
                {
                    lock (_ready) _rest = null;
                    rest.Dispose();
                    break;
                }
                var chunk = i < _parsed ? Parsed(rest.Current) : rest.Current;
                lock (_ready)
                {
                    _ready.Enqueue(chunk);
                    Monitor.PulseAll(_ready);
                }
            }
        }
        catch (Exception e)
        {
            // Thrown to the reader after the chunks before it, as the wrapped source would have thrown it there.
            lock (_ready)
            {
                _readError = ExceptionDispatchInfo.Capture(e);
                _rest?.Dispose();
                _rest = null;
            }
        }
        finally
        {
            lock (_ready)
            {
                _stopped = true;
                Monitor.PulseAll(_ready);
            }
        }
    }

    /// <summary>The chunk parsed here; its batch is still only its reader's (so fresh stays fresh), and a parse error is the chunk's.</summary>
    private static RowChunk Parsed(RowChunk chunk)
    {
        RowBatch batch;
        try { batch = chunk.Parse(); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var error = ExceptionDispatchInfo.Capture(e);
            return new RowChunk(chunk.FirstRow, chunk.Rows, () =>
            {
                error.Throw();
                return null!;
            });
        }
        return new RowChunk(chunk.FirstRow, chunk.Rows, () => batch, chunk.Fresh);
    }

    private bool TryClaim(int rowsPerBatch)
    {
        if (rowsPerBatch != _rowsPerBatch || _thread is null) return false;
        lock (_ready)
        {
            if (_claimed) return false;
            _claimed = true;
            return true;
        }
    }

    /// <summary>The chunks read ahead, then the rest read here.</summary>
    private IEnumerable<RowChunk> Claimed()
    {
        while (true)
        {
            RowChunk? next = null;
            lock (_ready)
            {
                // Take what is ready; when nothing is, stop the background reading rather than wait for it to read on.
                if (_ready.Count == 0 && !_stopped) _stop = true;
                while (_ready.Count == 0 && !_stopped) Monitor.Wait(_ready);
                if (_ready.Count > 0) next = _ready.Dequeue();
            }
            if (next is null) break;
            yield return next;
        }
        _readError?.Throw();
        IEnumerator<RowChunk>? rest;
        lock (_ready) (rest, _rest) = (_rest, null);
        if (rest is null) yield break;
        using (rest)
            while (rest.MoveNext())
                yield return rest.Current;
    }

    private void StopAndWait()
    {
        if (_thread is null) return;
        lock (_ready) _stop = true;
        _thread.Join();
    }
}
