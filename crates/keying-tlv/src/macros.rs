//! The [`wire_enum!`](crate::wire_enum) macro.

/// Declares a wire enum over `u8` or `u16` with an extra `Unknown(repr)` variant, so that
/// values this crate does not name still round-trip (`From<repr>` and `From<Enum> for
/// repr`). `From<repr>` is canonical: it never produces `Unknown(v)` for a named `v`.
///
/// ```
/// keying_tlv::wire_enum! {
///     /// Example.
///     pub enum Color: u8 {
///         /// Red.
///         Red = 1,
///         /// Green.
///         Green = 2,
///     }
/// }
/// assert_eq!(Color::from(2), Color::Green);
/// assert_eq!(Color::from(9), Color::Unknown(9));
/// assert_eq!(u8::from(Color::Unknown(9)), 9);
/// assert!(!Color::from(9).is_known());
/// ```
#[macro_export]
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $repr:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value not named here, kept so that it round-trips.
            Unknown($repr),
        }

        impl $name {
            /// The wire value.
            pub const fn to_wire(self) -> $repr {
                match self {
                    $( Self::$variant => $value, )+
                    Self::Unknown(v) => v,
                }
            }

            /// The enum for a wire value (`Unknown` for values not named here).
            pub const fn from_wire(v: $repr) -> Self {
                match v {
                    $( $value => Self::$variant, )+
                    other => Self::Unknown(other),
                }
            }

            /// Whether the value is one named here.
            pub const fn is_known(self) -> bool {
                !matches!(Self::from_wire(self.to_wire()), Self::Unknown(_))
            }
        }

        impl ::core::convert::From<$repr> for $name {
            fn from(v: $repr) -> Self {
                Self::from_wire(v)
            }
        }

        impl ::core::convert::From<$name> for $repr {
            fn from(v: $name) -> $repr {
                v.to_wire()
            }
        }
    };
}
