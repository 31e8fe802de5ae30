using PublicApiGenerator;

namespace Snorkeler.Dsl.Tests;

public sealed class PublicApiTests
{
    [Fact]
    public void The_public_API_of_Snorkeler_Dsl_changes_only_deliberately()
    {
        // When
        var api = typeof(RulesLoader).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false });

        // Then
        api.ShouldMatchApproved(o => o.NoDiff().WithFileExtension("txt"));
    }
}
