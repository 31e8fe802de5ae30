using System.Diagnostics;
using System.Runtime.CompilerServices;
using Snorkeler.Data;

namespace Snorkeler.Scripting;

/// <summary>
/// What a <c>.csx</c> script sees besides its own code: <see cref="Lf"/> to declare a labelling function
/// and <see cref="Labels"/> to declare the classes of a folder that has no <c>.rules</c> file. The class
/// names themselves (<c>HAM</c>, <c>SPAM</c>) and <c>ABSTAIN</c> are <c>int</c> constants in scope.
/// </summary>
public sealed class ScriptGlobals
{
    private readonly LabelSchema _schema;
    private readonly Func<string, int, string, SourceLocation> _locate;
    private readonly List<Declared> _declared = [];
    private readonly List<Diagnostic> _diagnostics = [];

    /// <param name="schema">The classes in force.</param>
    /// <param name="locate">The location of a call, given the compiler's file path, the line and the method name.</param>
    internal ScriptGlobals(LabelSchema schema, Func<string, int, string, SourceLocation> locate)
    {
        _schema = schema;
        _locate = locate;
    }

    internal IReadOnlyList<Declared> Declared => _declared;

    internal IReadOnlyList<Diagnostic> Diagnostics => _diagnostics;

    /// <summary>The top-level statement that started last (the compiler's file path), or null before the first.</summary>
    internal Reached? LastReached => Volatile.Read(ref _reached);

    /// <summary>The script-level static field whose initialiser started last (the compiler's file path), or null before the first.</summary>
    internal Reached? LastInitialising => Volatile.Read(ref _initialising);

    /// <summary>The statement or static field initialiser that started last, or null before the first.</summary>
    internal Reached? Running => LastInitialising is { } initialiser && (LastReached is not { } statement || initialiser.Order > statement.Order) ? initialiser : LastReached;

    private Reached? _reached;
    private Reached? _initialising;

    /// <summary>How many places were marked: the later of a statement and a field has the higher <see cref="Reached.Order"/>.</summary>
    private long _marks;

    /// <summary>
    /// Not for scripts: the loader puts a call before every top-level statement (see <c>ScriptRewriter</c>), so that
    /// top-level code that never finishes is reported at the statement that runs.
    /// </summary>
    /// <param name="column">The statement's column.</param>
    /// <param name="line">The statement's line (filled in by the compiler).</param>
    /// <param name="file">The statement's file (filled in by the compiler).</param>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public void SnorkelerReached(int column, [CallerLineNumber] int line = 0, [CallerFilePath] string file = "")
        => Volatile.Write(ref _reached, new Reached(file, line, column, Interlocked.Increment(ref _marks)));

    /// <summary>
    /// The globals of the load whose scripts run on this thread. Static initialisers cannot reach the globals (they are
    /// an instance), but they run on the thread that first touches the submission's statics, the load's top-level
    /// thread; each load has its own thread and globals, so loads running at once never see each other's fields.
    /// </summary>
    [ThreadStatic] private static ScriptGlobals? t_loading;

    /// <summary>Makes this thread's static field initialisers mark their place in these globals, where any thread can read it.</summary>
    internal void RunScriptsOnThisThread() => t_loading = this;

    /// <summary>
    /// Not for scripts: the loader puts a field initialised with this call before every script-level static field that has an
    /// initialiser (see <c>ScriptRewriter</c>), so that a failed range check in one, which the runtime reports without
    /// a line, is reported at its field.
    /// </summary>
    /// <param name="column">The field's column.</param>
    /// <param name="line">The field's line (filled in by the compiler).</param>
    /// <param name="file">The field's file (filled in by the compiler).</param>
    /// <returns>True.</returns>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static bool SnorkelerInitialising(int column, [CallerLineNumber] int line = 0, [CallerFilePath] string file = "")
    {
        if (t_loading is { } globals)
            Volatile.Write(ref globals._initialising, new Reached(file, line, column, Interlocked.Increment(ref globals._marks), IsStaticField: true));
        return true;
    }

    /// <summary>
    /// Declares a labelling function: <c>Lf("keyword_my", row =&gt; row.Text("text").Contains("my") ? SPAM : ABSTAIN);</c>.
    /// Leave <paramref name="line"/> and <paramref name="file"/> to the compiler: they place the LF in its file.
    /// </summary>
    /// <param name="name">The LF's name, unique within a run.</param>
    /// <param name="vote">The vote for a row: a class constant or <c>ABSTAIN</c>.</param>
    /// <param name="line">The line of the call (filled in by the compiler).</param>
    /// <param name="file">The file of the call (filled in by the compiler).</param>
    public void Lf(string name, Func<DataRow, int> vote, [CallerLineNumber] int line = 0, [CallerFilePath] string file = "")
        => _declared.Add(new Declared(name, vote, file, line, Running?.File));

    /// <summary>
    /// Declares the classes of a script-only folder, in label order: <c>Labels("HAM", "SPAM");</c> at the top
    /// of one script. The loader reads the declaration before compiling (so <c>HAM</c> and <c>SPAM</c> become
    /// constants); it must use string literals. When a <c>.rules</c> file declares the classes, a script may
    /// repeat the same declaration but not a different one.
    /// </summary>
    /// <param name="classNames">The class names, in label order.</param>
    public void Labels(params string[] classNames)
    {
        // The declaration was already read from the source text; this only checks that a computed one agrees.
        if (classNames is not null && classNames.AsSpan().SequenceEqual(_schema.ClassNames.ToArray())) return;
        var caller = new StackTrace(1, fNeedFileInfo: true).GetFrame(0); // the script's line, through its PDB
        _diagnostics.Add(Diagnostic.Error(ScriptCodes.BadLabels,
            ScriptCodes.BadLabelsMessage($"Labels({string.Join(", ", (classNames ?? []).Select(n => $"\"{n}\""))}) differs from the classes in force ({_schema})"),
            caller?.GetFileName() is { } file ? _locate(file, caller.GetFileLineNumber(), nameof(Labels)) : null));
    }
}

/// <summary>A top-level statement or static field initialiser that started: the file is the compiler's full path; the order counts the marks of its load.</summary>
internal sealed record Reached(string File, int Line, int Column, long Order, bool IsStaticField = false);

/// <summary>
/// One <c>Lf(...)</c> call: the file is the compiler's full path; <paramref name="During"/> that of the top-level statement
/// or static field that was running (which differs from the call's file when a helper in another script declares the LF).
/// </summary>
internal sealed record Declared(string Name, Func<DataRow, int> Vote, string File, int Line, string? During);
