using ClawGroups.Coordinator.Credentials;
using ClawGroups.Testing.Time;

namespace ClawGroups.Coordinator.Tests.Credentials;

public sealed class AgentKeyCacheTests
{
    private readonly ManualTime _time = new();
    private readonly AgentKeyCache _keys;
    private readonly AgentKeyHolder _agent = new(Guid.NewGuid(), Guid.NewGuid(), "builder", RevokedAt: null);

    public AgentKeyCacheTests() => _keys = new AgentKeyCache(_time);

    [Fact]
    public void A_key_that_authenticated_is_found_until_its_lifetime_ends()
    {
        _keys.Keep("hash", _agent, _keys.Stamp);

        _time.Advance(AgentKeyCache.Lifetime - TimeSpan.FromSeconds(1));
        var within = _keys.Find("hash");
        _time.Advance(TimeSpan.FromSeconds(1));
        var after = _keys.Find("hash");

        Assert.Equal(_agent, within);
        Assert.Null(after);
        Assert.Null(_keys.Find("another hash"));
    }

    [Fact]
    public void A_rotated_or_revoked_agents_keys_are_forgotten_and_no_one_elses()
    {
        var other = _agent with { Id = Guid.NewGuid() };
        _keys.Keep("old key", _agent, _keys.Stamp);
        _keys.Keep("second key", _agent, _keys.Stamp);
        _keys.Keep("someone else's", other, _keys.Stamp);

        _keys.Forget(_agent.Id);

        Assert.Null(_keys.Find("old key"));
        Assert.Null(_keys.Find("second key"));
        Assert.Equal(other, _keys.Find("someone else's"));
    }

    [Fact]
    public void A_key_read_before_a_rotation_and_kept_after_it_is_not_believed()
    {
        var stampBeforeRead = _keys.Stamp;
        _keys.Forget(_agent.Id);

        _keys.Keep("old key", _agent, stampBeforeRead);

        Assert.Null(_keys.Find("old key"));
    }

    [Fact]
    public void Every_key_is_forgotten_when_this_node_may_have_missed_a_change()
    {
        _keys.Keep("one", _agent, _keys.Stamp);
        var stampBeforeRead = _keys.Stamp;

        _keys.ForgetAll();
        _keys.Keep("read before", _agent, stampBeforeRead);

        Assert.Null(_keys.Find("one"));
        Assert.Null(_keys.Find("read before"));
    }

    [Fact]
    public void A_revoked_agents_key_is_never_kept()
    {
        _keys.Keep("revoked", _agent with { RevokedAt = _time.GetUtcNow() }, _keys.Stamp);

        Assert.Null(_keys.Find("revoked"));
    }

    [Fact]
    public void Past_its_size_the_cache_starts_over_rather_than_grow()
    {
        for (var i = 0; i < AgentKeyCache.MaxKeys; i++)
        {
            _keys.Keep($"key {i}", _agent, _keys.Stamp);
        }

        _keys.Keep("one more", _agent, _keys.Stamp);

        Assert.Null(_keys.Find("key 0"));
        Assert.Equal(_agent, _keys.Find("one more"));
    }
}
