namespace AlSafe.Tests.Rules.Edge;

/// <summary>
/// What nft 1.0.6 printed (<c>nft -j list table inet alsafe</c>) for node n1's share of the table holding the lab's
/// "web" elements, with two changes made by hand: the outbound element carries a comment (so nft wraps it in an
/// <c>elem</c> object), and the shared chain <c>nodes</c> holds a stray <c>counter accept</c> (handle 25).
/// </summary>
internal static class NftJsonSamples
{
    public const string Table = """
        {"nftables":[
        {"metainfo":{"version":"1.0.6","release_name":"Lester Gooch #5","json_schema_version":1}},
        {"table":{"family":"inet","name":"alsafe","handle":1}},
        {"set":{"family":"inet","name":"svc4_n1","table":"alsafe","type":["ipv4_addr","inet_proto","inet_service","ipv4_addr","inet_service"],"handle":9,"flags":["interval"],"elem":[{"concat":["192.0.2.10","tcp",80,{"prefix":{"addr":"0.0.0.0","len":0}},{"range":[0,65535]}]},{"concat":["192.0.2.10","udp",53,{"prefix":{"addr":"203.0.113.0","len":24}},{"range":[1024,65535]}]}]}},
        {"set":{"family":"inet","name":"svc6_n1","table":"alsafe","type":["ipv6_addr","inet_proto","inet_service","ipv6_addr","inet_service"],"handle":10,"flags":["interval"],"elem":[{"concat":["fd00:a15a::10","tcp",443,{"prefix":{"addr":"2001:db8:ff::","len":48}},{"range":[0,65535]}]}]}},
        {"set":{"family":"inet","name":"out4_n1","table":"alsafe","type":["ipv4_addr","inet_proto","inet_service","ipv4_addr","inet_service"],"handle":11,"elem":[{"elem":{"val":{"concat":["192.0.2.10","tcp",40000,"203.0.113.1",8443]},"comment":"added by hand"}}]}},
        {"set":{"family":"inet","name":"out6_n1","table":"alsafe","type":["ipv6_addr","inet_proto","inet_service","ipv6_addr","inet_service"],"handle":12}},
        {"set":{"family":"inet","name":"prot4_n1","table":"alsafe","type":"ipv4_addr","handle":13,"flags":["interval"],"elem":[{"prefix":{"addr":"192.0.2.0","len":24}}]}},
        {"set":{"family":"inet","name":"prot6_n1","table":"alsafe","type":"ipv6_addr","handle":14,"flags":["interval"],"elem":[{"prefix":{"addr":"fd00:a15a::","len":64}}]}},
        {"chain":{"family":"inet","table":"alsafe","name":"nodes","handle":1}},
        {"chain":{"family":"inet","table":"alsafe","name":"guard","handle":2}},
        {"chain":{"family":"inet","table":"alsafe","name":"allow_n1","handle":3}},
        {"chain":{"family":"inet","table":"alsafe","name":"guard_n1","handle":4}},
        {"chain":{"family":"inet","table":"alsafe","name":"forward","handle":5,"type":"filter","hook":"forward","prio":0,"policy":"accept"}},
        {"rule":{"family":"inet","table":"alsafe","chain":"nodes","handle":23,"comment":"alsafe node n1: its elements","expr":[{"jump":{"target":"allow_n1"}}]}},
        {"rule":{"family":"inet","table":"alsafe","chain":"nodes","handle":25,"expr":[{"counter":{"packets":0,"bytes":0}},{"accept":null}]}},
        {"rule":{"family":"inet","table":"alsafe","chain":"guard","handle":24,"comment":"alsafe node n1: its protected prefixes","expr":[{"jump":{"target":"guard_n1"}}]}},
        {"rule":{"family":"inet","table":"alsafe","chain":"allow_n1","handle":15,"comment":"alsafe node n1: inbound services ip","expr":[{"match":{"op":"==","left":{"concat":[{"payload":{"protocol":"ip","field":"daddr"}},{"meta":{"key":"l4proto"}},{"payload":{"protocol":"th","field":"dport"}},{"payload":{"protocol":"ip","field":"saddr"}},{"payload":{"protocol":"th","field":"sport"}}]},"right":"@svc4_n1"}},{"accept":null}]}},
        {"rule":{"family":"inet","table":"alsafe","chain":"allow_n1","handle":16,"comment":"alsafe node n1: inbound services ip6","expr":[{"match":{"op":"==","left":{"concat":[{"payload":{"protocol":"ip6","field":"daddr"}},{"meta":{"key":"l4proto"}},{"payload":{"protocol":"th","field":"dport"}},{"payload":{"protocol":"ip6","field":"saddr"}},{"payload":{"protocol":"th","field":"sport"}}]},"right":"@svc6_n1"}},{"accept":null}]}},
        {"rule":{"family":"inet","table":"alsafe","chain":"allow_n1","handle":17,"comment":"alsafe node n1: outbound connections ip","expr":[{"match":{"op":"==","left":{"concat":[{"payload":{"protocol":"ip","field":"saddr"}},{"meta":{"key":"l4proto"}},{"payload":{"protocol":"th","field":"sport"}},{"payload":{"protocol":"ip","field":"daddr"}},{"payload":{"protocol":"th","field":"dport"}}]},"right":"@out4_n1"}},{"accept":null}]}},
        {"rule":{"family":"inet","table":"alsafe","chain":"allow_n1","handle":18,"comment":"alsafe node n1: outbound connections ip6","expr":[{"match":{"op":"==","left":{"concat":[{"payload":{"protocol":"ip6","field":"saddr"}},{"meta":{"key":"l4proto"}},{"payload":{"protocol":"th","field":"sport"}},{"payload":{"protocol":"ip6","field":"daddr"}},{"payload":{"protocol":"th","field":"dport"}}]},"right":"@out6_n1"}},{"accept":null}]}},
        {"rule":{"family":"inet","table":"alsafe","chain":"guard_n1","handle":19,"comment":"alsafe node n1: to protected ip","expr":[{"match":{"op":"==","left":{"payload":{"protocol":"ip","field":"daddr"}},"right":"@prot4_n1"}},{"drop":null}]}},
        {"rule":{"family":"inet","table":"alsafe","chain":"guard_n1","handle":20,"comment":"alsafe node n1: from protected ip","expr":[{"match":{"op":"==","left":{"payload":{"protocol":"ip","field":"saddr"}},"right":"@prot4_n1"}},{"drop":null}]}},
        {"rule":{"family":"inet","table":"alsafe","chain":"guard_n1","handle":21,"comment":"alsafe node n1: to protected ip6","expr":[{"match":{"op":"==","left":{"payload":{"protocol":"ip6","field":"daddr"}},"right":"@prot6_n1"}},{"drop":null}]}},
        {"rule":{"family":"inet","table":"alsafe","chain":"guard_n1","handle":22,"comment":"alsafe node n1: from protected ip6","expr":[{"match":{"op":"==","left":{"payload":{"protocol":"ip6","field":"saddr"}},"right":"@prot6_n1"}},{"drop":null}]}},
        {"rule":{"family":"inet","table":"alsafe","chain":"forward","handle":6,"comment":"alsafe: replies and related","expr":[{"match":{"op":"in","left":{"ct":{"key":"state"}},"right":["established","related"]}},{"accept":null}]}},
        {"rule":{"family":"inet","table":"alsafe","chain":"forward","handle":7,"comment":"alsafe: what some node allows","expr":[{"jump":{"target":"nodes"}}]}},
        {"rule":{"family":"inet","table":"alsafe","chain":"forward","handle":8,"comment":"alsafe: drop the rest to and from protected prefixes","expr":[{"jump":{"target":"guard"}}]}}
        ]}
        """;
}
