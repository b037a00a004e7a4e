using Breakwater.Retry;
using Breakwater.Tests.TestKit;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Retry;

public sealed class RetryBudgetTests
{
    private static (RetryBudget Budget, FakeTimeProvider Time) CreateSut(int minRetries = 10, double ratio = 0.1)
    {
        var time = new FakeTimeProvider();
        return (new RetryBudget(new RetryBudgetOptions { MinRetries = minRetries, Ratio = ratio }, time), time);
    }

    [Fact]
    public void TryWithdraw_QuietClient_AllowsMinRetriesPerWindow()
    {
        var (budget, _) = CreateSut();

        var allowed = Enumerable.Range(0, 50).Count(_ => budget.TryWithdraw());

        Assert.Equal(10, allowed);
    }

    [Fact]
    public void TryWithdraw_ManyFirstAttempts_AllowsTenPercentMore()
    {
        var (budget, _) = CreateSut();
        for (var i = 0; i < 500; i++)
        {
            budget.RecordFirstAttempt();
        }

        var allowed = Enumerable.Range(0, 500).Count(_ => budget.TryWithdraw());

        Assert.Equal(60, allowed);
    }

    [Fact]
    public void TryWithdraw_AfterTheWindowSlides_RefillsTheBudget()
    {
        var (budget, time) = CreateSut();
        Assert.Equal(10, Enumerable.Range(0, 20).Count(_ => budget.TryWithdraw()));

        time.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(10, Enumerable.Range(0, 20).Count(_ => budget.TryWithdraw()));
    }

    [Fact]
    public void TryWithdraw_Disabled_AlwaysAllows()
    {
        var budget = new RetryBudget(new RetryBudgetOptions { Enabled = false }, new FakeTimeProvider());

        Assert.True(Enumerable.Range(0, 1000).All(_ => budget.TryWithdraw()));
    }

    [Property(MaxTest = 200)]
    public Property TryWithdraw_AnyInterleaving_NeverExceedsMinPlusRatioTimesFirsts(bool[] ops)
    {
        var (budget, _) = CreateSut();
        long firsts = 0, retries = 0;
        foreach (var isFirst in ops)
        {
            if (isFirst)
            {
                budget.RecordFirstAttempt();
                firsts++;
            }
            else if (budget.TryWithdraw())
            {
                retries++;
            }
        }

        return (retries <= 10 + (0.1 * firsts)).ToProperty();
    }

    [Property(MaxTest = 100)]
    public Property TryWithdraw_WithinOneWindow_GrantsExactlyTheAllowance(PositiveInt firstAttempts)
    {
        var n = firstAttempts.Get % 5000;
        var (budget, _) = CreateSut();
        for (var i = 0; i < n; i++)
        {
            budget.RecordFirstAttempt();
        }

        var granted = 0;
        while (budget.TryWithdraw() && granted < 10_000)
        {
            granted++;
        }

        return (granted == (int)Math.Floor(10 + (0.1 * n))).ToProperty();
    }

    [Fact]
    public async Task SendAsync_StormOf1000CallsOver10SecondsAll529_StaysWithin1110AttemptsInTheWindow()
    {
        var time = new ObservableTimeProvider();
        var upstream = new ScriptedHandler(time, n => Api.Overloaded($"req_{n}"));
        // The budget alone: breakers, throttling and the concurrency limit would shed this storm before it.
        var options = new BreakwaterOptions();
        options.CircuitBreaker.Enabled = false;
        options.Throttle.Enabled = false;
        options.Concurrency.Enabled = false;
        using var breakwaterHandler = new BreakwaterHandler(options, time, new Random(7)) { InnerHandler = upstream };
        using var invoker = new HttpMessageInvoker(breakwaterHandler);
        var calls = new List<Task<HttpResponseMessage>>();
        for (var i = 0; i < 1000; i++)
        {
            using var request = Api.Request();
            calls.Add(invoker.SendAsync(request, CancellationToken.None));
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        // Ten seconds of fake time: 1,000 first attempts, and at most 10 % of them plus 10 as retries.
        var inWindow = upstream.Count;
        Assert.InRange(inWindow, 1000, 1110);

        // Let every call finish: the calls still retrying only draw on the reserve of later windows (10 each).
        var all = Task.WhenAll(calls);
        var started = time.GetUtcNow();
        await TimeLoop.Run(time, all.ContinueWith(_ => 0, TaskScheduler.Default), TimeSpan.FromMilliseconds(50));
        var tailWindows = Math.Ceiling((time.GetUtcNow() - started).TotalSeconds / 10);
        Assert.InRange(upstream.Count, inWindow, 1110 + (10 * tailWindows));
        Assert.All(calls, c => Assert.Equal(529, (int)c.Result.StatusCode));
        var reasons = calls.Select(c => string.Join(",", c.Result.Headers.GetValues(BreakwaterHeaders.GiveUp))).GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(reasons.GetValueOrDefault("budget") > 800, string.Join(", ", reasons.Select(kv => $"{kv.Key}={kv.Value}")));
    }
}
