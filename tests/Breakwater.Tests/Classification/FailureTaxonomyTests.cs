using Breakwater.Classification;

namespace Breakwater.Tests.Classification;

public sealed class FailureTaxonomyTests
{
    [Fact]
    public void FamilyOf_EveryFailureKind_HasOneAndItAgreesWithTheOwner()
    {
        foreach (var kind in Enum.GetValues<FailureKind>())
        {
            var family = FailureTaxonomy.FamilyOf(kind);
            var owner = FailureTaxonomy.OwnerOf(kind);

            Assert.Equal(kind == FailureKind.None, family == FailureFamily.None);
            var expected = family switch
            {
                FailureFamily.None => [FailureOwner.None],
                FailureFamily.Rejected or FailureFamily.Conflict or FailureFamily.RateLimit or FailureFamily.SpendLimit => [FailureOwner.Caller],
                FailureFamily.Overload => [FailureOwner.Anthropic],
                FailureFamily.Server => new[] { FailureOwner.Anthropic, FailureOwner.Intermediary },
                _ => [FailureOwner.Network],
            };
            Assert.Contains(owner, expected);
        }
    }

    [Fact]
    public void FamilyOf_ValueOutsideTheEnum_None()
    {
        Assert.Equal(FailureFamily.None, FailureTaxonomy.FamilyOf((FailureKind)999));
    }

    [Theory]
    [InlineData(FailureKind.Overloaded, 529, true)]
    [InlineData(FailureKind.Overloaded, 200, true)]
    [InlineData(FailureKind.Overloaded, null, true)]
    [InlineData(FailureKind.ProxyError, 529, true)]
    [InlineData(FailureKind.ProxyError, 503, true)]
    [InlineData(FailureKind.ProxyError, 502, false)]
    [InlineData(FailureKind.ApiError, 500, false)]
    [InlineData(FailureKind.AttemptTimeout, null, false)]
    public void IsOverloadSignal_OverloadOrAProxyPageThatHidesOne(FailureKind kind, int? status, bool expected)
    {
        Assert.Equal(expected, FailureTaxonomy.IsOverloadSignal(kind, status));
    }

    [Fact]
    public void IsTransient_NeverTheCallersOwnFailures()
    {
        foreach (var kind in Enum.GetValues<FailureKind>().Where(k => FailureTaxonomy.OwnerOf(k) is FailureOwner.Caller or FailureOwner.None))
        {
            Assert.False(FailureTaxonomy.IsTransient(kind), kind.ToString());
            Assert.False(FailureTaxonomy.IsPlatformSymptom(kind), kind.ToString());
        }
    }

    [Fact]
    public void IsTransientAndIsPlatformSymptom_DifferOnlyWhereDocumented()
    {
        var transient = Enum.GetValues<FailureKind>().Where(FailureTaxonomy.IsTransient).ToHashSet();
        var platform = Enum.GetValues<FailureKind>().Where(FailureTaxonomy.IsPlatformSymptom).ToHashSet();

        // A refused connection is the network path's, a cut stream is not met by a probe; an unknown type may not pass by waiting.
        Assert.Equal([FailureKind.ConnectionFailure, FailureKind.StreamInterrupted], transient.Except(platform).Order());
        Assert.Equal([FailureKind.Unknown], platform.Except(transient));
    }
}
