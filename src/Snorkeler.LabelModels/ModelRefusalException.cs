namespace Snorkeler.LabelModels;

/// <summary>
/// A label model that cannot fit this training matrix as it is: more sources or classes than it fits in reasonable time
/// and memory, too few LFs or voting sources for what it estimates, no rows, a fit that diverged. The input is sound and
/// another model may fit it, so a comparison lists the model as not compared and goes on; every other failure (a bad
/// option value, a file that turns out malformed as it is read) stops it.
/// </summary>
public sealed class ModelRefusalException(string message, Exception? inner = null) : SnorkelerException(message, inner);
