namespace Snorkeler.Cli.Tests.Support;

/// <summary>
/// A small hand-checked support-ticket data set (3 classes, a gold column with one empty cell) and five rules,
/// written to a temporary folder. Votes, by row (1-based):
/// <code>
/// row  refund  invoice  error_code  password  login      gold
///  1   Billing Billing  .           .         .          Billing
///  2   .       .        Technical   .         .          Technical
///  3   .       .        .           Account   Technical  Account    (conflict; login wrong)
///  4   Billing .        .           .         .          Billing
///  5   .       .        .           .         .          (none)     (uncovered)
///  6   .       Billing  .           .         .          Account    (invoice wrong)
///  7   .       .        Technical   .         Technical  Technical
///  8   .       .        .           Account   .          Account
/// </code>
/// </summary>
internal sealed class Tickets : IDisposable
{
    public const string Csv = """
        ticket_id,subject,body,tier,category
        T1,Refund please,I want a refund for my last invoice,gold,Billing
        T2,App crash,The app shows error 500 when I open it,gold,technical
        T3,Cannot log in,"My password reset link does not work, and login fails",basic,Account
        T4,Charged twice,"You charged me twice, please refund",gold,Billing
        T5,Hello,Just saying thanks for the help,basic,
        T6,Invoice address,How do I change the address on my invoice,basic,Account
        T7,Login error,Login gives error 403 every time,gold,Technical
        T8,Password,Forgot my password,basic,2

        """;

    public const string Rules = """
        labels Billing, Technical, Account

        lf refund:
            when body contains "refund" label Billing

        lf invoice:
            when body contains "invoice" label Billing

        lf error_code:
            when body matches /error \d+/i label Technical

        lf password:
            when body contains "password" label Account

        lf login:
            when body contains "login" label Technical

        """;

    private readonly TempFolder _temp = new();

    public Tickets(string? csv = null, string? rules = null)
    {
        Data = _temp.Write("tickets.csv", csv ?? Csv);
        Lfs = Path.GetDirectoryName(_temp.Write("lfs/tickets.rules", rules ?? Rules))!;
    }

    /// <summary>The data file.</summary>
    public string Data { get; }

    /// <summary>The LF folder.</summary>
    public string Lfs { get; }

    public string File(string name) => _temp.File(name);

    public string Write(string name, string text) => _temp.Write(name, text);

    public void Dispose() => _temp.Dispose();
}
