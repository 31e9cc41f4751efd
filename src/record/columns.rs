//! The columns of every output table, with their types, from one source: the row structs of
//! [`super::rows`]. Each is declared inside [`row_struct!`], which keeps the struct as written
//! and derives [`Columns::columns`] from its fields' names and Rust types, so a CSV header
//! (the field names, by serde) and a typed schema (Arrow, Parquet) can never disagree.
//!
//! This module knows no Arrow: it only names the types ([`ColType`]); `super::arrow` maps them.

/// A column's value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    /// 64-bit float.
    F64,
    /// Unsigned 64-bit integer.
    U64,
    /// Unsigned 32-bit integer.
    U32,
    /// Signed 64-bit integer.
    I64,
    /// UTF-8 text.
    Str,
    /// true / false.
    Bool,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Its name (the CSV header's).
    pub name: String,
    /// Its value type.
    pub ty: ColType,
    /// Whether a row may leave it empty (an `Option` field; an empty CSV cell).
    pub nullable: bool,
}

impl Column {
    /// A column named `name` holding values of the Rust type `T`.
    pub fn of<T: ColumnKind + ?Sized>(name: &str) -> Column {
        Column {
            name: name.to_string(),
            ty: T::TYPE,
            nullable: T::NULLABLE,
        }
    }

    /// A column of `ty`, nullable or not.
    pub fn new(name: impl Into<String>, ty: ColType, nullable: bool) -> Column {
        Column {
            name: name.into(),
            ty,
            nullable,
        }
    }
}

/// The Rust types a row field may have, and the column type each makes.
pub trait ColumnKind {
    /// The column's type.
    const TYPE: ColType;
    /// Whether the field may be empty.
    const NULLABLE: bool = false;
}

impl ColumnKind for f64 {
    const TYPE: ColType = ColType::F64;
}
impl ColumnKind for u64 {
    const TYPE: ColType = ColType::U64;
}
impl ColumnKind for u32 {
    const TYPE: ColType = ColType::U32;
}
impl ColumnKind for i64 {
    const TYPE: ColType = ColType::I64;
}
impl ColumnKind for bool {
    const TYPE: ColType = ColType::Bool;
}
impl ColumnKind for str {
    const TYPE: ColType = ColType::Str;
}
impl ColumnKind for &str {
    const TYPE: ColType = ColType::Str;
}
impl ColumnKind for String {
    const TYPE: ColType = ColType::Str;
}
impl<T: ColumnKind> ColumnKind for Option<T> {
    const TYPE: ColType = T::TYPE;
    const NULLABLE: bool = true;
}

/// A row type whose columns are known without a row at hand.
pub trait Columns {
    /// The columns, in the order serde writes the fields.
    fn columns() -> Vec<Column>;
}

/// Declares a row struct (doc comments, derives and all, exactly as written) and implements
/// [`Columns`] for it from its fields. Every field must be `pub`, of a type with a
/// [`ColumnKind`], and serialised under its own name (no serde renames or skips).
#[macro_export]
macro_rules! row_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident $(<$lt:lifetime>)? {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name $(<$lt>)? {
            $( $(#[$fmeta])* pub $field: $ty ),*
        }

        impl $(<$lt>)? $crate::record::columns::Columns for $name $(<$lt>)? {
            fn columns() -> Vec<$crate::record::columns::Column> {
                vec![$($crate::record::columns::Column::of::<$ty>(stringify!($field))),*]
            }
        }
    };
}

/// The names of `columns`, in order.
pub fn names(columns: &[Column]) -> Vec<String> {
    columns.iter().map(|c| c.name.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::rows::*;

    /// The CSV header serde writes for `row`, split into names.
    fn serde_header<T: serde::Serialize>(row: &T) -> Vec<String> {
        let line = crate::record::trades::header_of(row).unwrap();
        String::from_utf8(line)
            .unwrap()
            .split(',')
            .map(String::from)
            .collect()
    }

    #[test]
    fn columns_are_the_fields_serde_writes() {
        let trade = TradeRow {
            t_s: 0.0,
            book: "",
            price: 0.0,
            qty_lots: 0,
            aggressor: "buy",
            mid_before: None,
            fundamental: 0.0,
            buyer_id: 0,
            buyer_kind: "",
            buyer_group: "",
            seller_id: 0,
            seller_kind: "",
            seller_group: "",
        };
        assert_eq!(names(&TradeRow::columns()), serde_header(&trade));
        let c = TradeRow::columns();
        assert_eq!(c[0], Column::new("t_s", ColType::F64, false));
        assert_eq!(c[1], Column::new("book", ColType::Str, false));
        assert_eq!(c[3], Column::new("qty_lots", ColType::U64, false));
        assert_eq!(c[5], Column::new("mid_before", ColType::F64, true));
        assert_eq!(c[7], Column::new("buyer_id", ColType::U32, false));
        let l2 = L2Row {
            t_s: 0.0,
            book: "",
            side: "",
            level: 0,
            price: 0.0,
            qty_lots: 0,
            orders: 0,
        };
        assert_eq!(names(&L2Row::columns()), serde_header(&l2));
    }

    #[test]
    fn book_columns_follow_the_bands() {
        let c = book_columns(&[3, 10]);
        assert_eq!(names(&c), book_header(&[3, 10]));
        assert_eq!(
            c.iter().find(|c| c.name == "depth_ask_10t_lots"),
            Some(&Column::new("depth_ask_10t_lots", ColType::U64, false))
        );
        assert!(c.iter().find(|c| c.name == "mid").unwrap().nullable);
    }
}
