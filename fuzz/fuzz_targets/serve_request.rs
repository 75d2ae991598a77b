//! The dev server's request parsing: a request head as it comes off the network. Whatever it
//! says, it is refused or names a key inside the site (never `..`, a backslash, a NUL or an
//! absolute path).
#![no_main]

use std::net::{IpAddr, Ipv4Addr};

use brief::serve::{Target, parse_request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|head: &[u8]| {
    if let Ok(request) = parse_request(head, IpAddr::V4(Ipv4Addr::LOCALHOST))
        && let Target::File(key) = request.target
    {
        assert!(!key.starts_with('/'), "{key:?}");
        assert!(!key.contains(['\\', '\0', ':']), "{key:?}");
        assert!(key.split('/').all(|s| s != ".." && s != "."), "{key:?}");
    }
});
