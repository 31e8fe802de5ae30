using PublicApiGenerator;

namespace Snorkeler.LabelModels.Tests;

public sealed class PublicApiTests
{
    [Fact]
    public void The_public_API_of_the_label_models_changes_only_deliberately()
    {
        var api = typeof(ILabelModel).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false });
        api.ShouldMatchApproved(b => b.WithFilenameGenerator((_, _, type, extension) => $"PublicApi.{type}.{extension}"));
    }
}
