//! `cidr` patterns: IPv4 and IPv6 networks.

use std::net::IpAddr;

use crate::error::PatternError;

/// A network: an address and the number of leading bits that must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cidr {
    network: IpAddr,
    bits: u8,
}

impl Cidr {
    /// Parses `address/bits`, with EventBridge's reasons for rejecting one.
    pub(crate) fn parse(text: &str) -> Result<Self, PatternError> {
        let parts: Vec<&str> = text.split('/').collect();
        let [address, bits] = parts[..] else {
            return Err(PatternError::new("Malformed CIDR, one '/' required"));
        };
        let bits: u8 = bits.parse().map_err(|_| PatternError::new("Malformed CIDR, mask bits must be an integer"))?;
        let network: IpAddr =
            address.parse().map_err(|_| PatternError::new(format!("Nonstandard IP address: {address}")))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        if bits > max {
            return Err(PatternError::new(format!("Malformed CIDR, mask bits must be between 0 and {max}")));
        }
        Ok(Self { network, bits })
    }

    /// Whether an address (as the event gives it) is in the network.
    pub(crate) fn contains(&self, address: &str) -> bool {
        let Ok(address) = address.parse::<IpAddr>() else { return false };
        match (self.network, address) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                same_prefix(u32::from(net).into(), u32::from(ip).into(), self.bits, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => same_prefix(u128::from(net), u128::from(ip), self.bits, 128),
            _ => false,
        }
    }
}

fn same_prefix(a: u128, b: u128, bits: u8, width: u32) -> bool {
    if bits == 0 {
        return true;
    }
    let shift = width - u32::from(bits);
    (a >> shift) == (b >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_and_v6_networks() {
        let net = Cidr::parse("10.0.0.0/24").expect("valid");
        assert!(net.contains("10.0.0.255"));
        assert!(!net.contains("10.0.1.0"));
        assert!(!net.contains("::1"));
        let net = Cidr::parse("2001:db8:1234:1a00::/64").expect("valid");
        assert!(net.contains("2001:db8:1234:1a00::1"));
        assert!(!net.contains("2001:db8:1234:1a01::1"));
        assert!(Cidr::parse("0.0.0.0/0").expect("valid").contains("8.8.8.8"));
    }

    #[test]
    fn malformed_networks_get_eventbridge_reasons() {
        assert_eq!(Cidr::parse("bad-filter").expect_err("no slash").reason, "Malformed CIDR, one '/' required");
        assert_eq!(
            Cidr::parse("bad-/64filter").expect_err("bits").reason,
            "Malformed CIDR, mask bits must be an integer"
        );
        assert_eq!(Cidr::parse("xx.11.xx/8").expect_err("ip").reason, "Nonstandard IP address: xx.11.xx");
    }
}
