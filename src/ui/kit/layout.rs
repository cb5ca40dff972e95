//! The one row allocator: a screen lists its parts top to bottom, each
//! with the rows it needs, the rows it would like and how much they
//! matter; `plan` hands out the rows of the screen by rank, so at a small
//! size the least important parts get fewer rows or none.

#[derive(Debug, Clone, Copy)]
pub struct Part<P> {
    pub piece: P,
    /// Rows without which the part is not drawn at all.
    pub min: u16,
    /// Rows it would like.
    pub want: u16,
    /// Rank of the first `min` rows, and of the rest.
    keep: u8,
    grow: u8,
    /// The rows beyond `min` are of no use unless all of them are given
    /// (big digits need all three rows).
    whole: bool,
}

impl<P: Copy> Part<P> {
    pub fn new(piece: P, min: u16, want: u16, keep: u8, grow: u8) -> Self {
        Self {
            piece,
            min,
            want: want.max(min),
            keep,
            grow,
            whole: false,
        }
    }

    /// The same part, wanting at least `rows`.
    pub fn wanting(self, rows: u16) -> Self {
        Self {
            want: self.want.max(rows),
            ..self
        }
    }

    pub fn whole(self) -> Self {
        Self {
            whole: true,
            ..self
        }
    }

    /// A part of a fixed height.
    pub fn fixed(piece: P, rows: u16, keep: u8) -> Self {
        Self::new(piece, rows, rows, keep, keep)
    }

    /// A blank row, `gap` being the screen's own piece for one.
    pub fn gap(gap: P, rank: u8) -> Self {
        Self::new(gap, 0, 1, rank, rank)
    }
}

/// Rows for each part, handed out by rank: first every part's `min` (all
/// or nothing), then the rows beyond it (as many as are left).
pub fn plan<P>(parts: &[Part<P>], height: u16) -> Vec<u16> {
    let mut asks: Vec<(u8, bool, usize)> = parts
        .iter()
        .enumerate()
        .flat_map(|(i, p)| [(p.keep, false, i), (p.grow, true, i)])
        .collect();
    asks.sort_by_key(|&(rank, extra, i)| (rank, extra, i));
    let mut rows = vec![0u16; parts.len()];
    let mut left = height;
    for (_, extra, i) in asks {
        let part = &parts[i];
        if !extra {
            if part.min <= left {
                rows[i] = part.min;
                left -= part.min;
            }
        } else if rows[i] > 0 || part.min == 0 {
            let mut more = (part.want - rows[i]).min(left);
            if part.whole && rows[i] + more < part.want {
                more = 0;
            }
            rows[i] += more;
            left -= more;
        }
    }
    rows
}
