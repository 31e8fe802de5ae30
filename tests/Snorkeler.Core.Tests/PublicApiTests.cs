using System.Runtime.CompilerServices;
using System.Text;
using PublicApiGenerator;

namespace Snorkeler.Core.Tests;

public sealed class PublicApiTests
{
    [Fact]
    public void The_public_API_of_Snorkeler_Core_changes_only_deliberately()
    {
        // When
        var api = typeof(LabelMatrix).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false });

        // Then, on a change, the lines that differ and where (Shouldly's message shows the whole text), and how to approve them
        try { api.ShouldMatchApproved(o => o.NoDiff().WithFileExtension("txt")); }
        catch (ShouldMatchApprovedException e)
        {
            var approved = Approved();
            var changes = File.Exists(approved) ? Changes(File.ReadAllText(approved), api) : "(no approved file yet)\n";
            throw new ShouldAssertException($"the public API of Snorkeler.Core changed (- approved, + now):\n{changes}{e.Message.Split("\n----")[0]}");
        }
    }

    [Fact]
    public void A_change_to_the_public_API_is_told_as_the_lines_removed_and_added_under_their_type()
    {
        // Given
        const string approved = "namespace N\n{\n    public sealed class A\n    {\n        public int X { get; }\n    }\n    public sealed class B\n    {\n        public int Y { get; }\n    }\n}\n";
        var now = approved.Replace("public int Y { get; }", "public long Y { get; }", StringComparison.Ordinal).Replace("    }\n}", "        public int Z { get; }\n    }\n}", StringComparison.Ordinal);

        // When
        var changes = Changes(approved, now);

        // Then
        changes.ShouldBe("in public sealed class B:\n- 9: public int Y { get; }\n+ 9: public long Y { get; }\n+ 10: public int Z { get; }\n");
    }

    private static string Approved([CallerFilePath] string source = "")
        => Path.Combine(Path.GetDirectoryName(source)!, $"{nameof(PublicApiTests)}.{nameof(The_public_API_of_Snorkeler_Core_changes_only_deliberately)}.approved.txt");

    /// <summary>
    /// The lines of <paramref name="now"/> that are not in <paramref name="approved"/> and the other way round, by a longest
    /// common subsequence of lines, each under the type it is in (the last line before it that declares one); line numbers
    /// are the approved file's for removed lines, the new text's for added ones.
    /// </summary>
    private static string Changes(string approved, string now)
    {
        var a = approved.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        var b = now.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        // common[i, j]: the longest common subsequence of a[i..] and b[j..]
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
        var changes = new StringBuilder();
        string? approvedType = null, nowType = null, told = null;
        void Line(char sign, int number, string line, ref string? type)
        {
            // A type's own line starts it: the lines after it are its members
            if (IsType(line)) type = told = line;
            else if (type is not null && type != told) changes.Append("in ").Append((told = type).Trim()).Append(":\n");
            changes.Append(sign).Append(' ').Append(number).Append(": ").Append(line.Trim()).Append('\n');
        }
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                if (IsType(a[x])) approvedType = nowType = a[x];
                x++;
                y++;
            }
            else if (y == b.Length || (x < a.Length && common[x + 1, y] >= common[x, y + 1])) Line('-', ++x, a[x - 1], ref approvedType);
            else Line('+', ++y, b[y - 1], ref nowType);
        }
        return changes.ToString();
    }

    private static bool IsType(string line)
        => line.StartsWith("    public ", StringComparison.Ordinal) && !line.StartsWith("     ", StringComparison.Ordinal)
           && (line.Contains(" class ", StringComparison.Ordinal) || line.Contains(" record ", StringComparison.Ordinal) || line.Contains(" struct ", StringComparison.Ordinal)
               || line.Contains(" interface ", StringComparison.Ordinal) || line.Contains(" enum ", StringComparison.Ordinal) || line.Contains(" delegate ", StringComparison.Ordinal));
}
