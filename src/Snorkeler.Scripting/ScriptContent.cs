namespace Snorkeler.Scripting;

/// <summary>What a listed script holds, as far as declaring LFs goes (SNK0614).</summary>
internal enum ScriptContentKind
{
    /// <summary>No code: only comments, blank lines, usings or other directives.</summary>
    Nothing = 0,

    /// <summary>At least one <c>Lf(...)</c> call, anywhere in the script.</summary>
    CallsLf = 1,

    /// <summary>No <c>Lf</c> call, but something the scripts of the run share: a method, type, field, property,
    /// top-level variable, <c>Labels(...)</c> line, <c>#load</c> or <c>#r</c>.</summary>
    SharesCode = 2,

    /// <summary>Only top-level statements that neither call <c>Lf</c> nor declare anything (a <c>Console.WriteLine</c>, an <c>if</c>).</summary>
    StatementsOnly = 3,
}

/// <summary>
/// What a listed script holds, read from its syntax tree when the scripts are compiled and kept with them in the
/// cache, so that a cache hit needs no parser (a syntax tree, unlike the text, knows a "//" in a string from a comment).
/// </summary>
/// <param name="Path">The script's full path (the compiler's).</param>
/// <param name="Kind">What it holds.</param>
/// <param name="Line">The first <c>Lf</c> call's line (<see cref="ScriptContentKind.CallsLf"/>), the first statement's
/// (<see cref="ScriptContentKind.StatementsOnly"/>), else 1.</param>
/// <param name="Column">That place's 1-based column.</param>
internal sealed record ScriptContent(string Path, ScriptContentKind Kind, int Line, int Column);
