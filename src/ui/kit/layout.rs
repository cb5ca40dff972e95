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

/// `plan` for a screen whose gaps only separate: a gap gets a row only
/// between two parts that are drawn, and only the first of the gaps
/// between the same two parts does. `is_gap` tells the gaps apart.
///
/// Meant for gaps ranked after every part they separate, as air is: the
/// parts are planned first without the gaps, so that which parts are drawn
/// is known, then again with the gaps that separate them.
pub fn plan_spaced<P: Copy>(
    parts: &[Part<P>],
    height: u16,
    is_gap: impl Fn(P) -> bool,
) -> Vec<u16> {
    let none = |p: &Part<P>| Part::new(p.piece, 0, 0, p.keep, p.grow);
    let solid: Vec<Part<P>> = parts
        .iter()
        .map(|p| if is_gap(p.piece) { none(p) } else { *p })
        .collect();
    let drawn = plan(&solid, height);
    let mut spaced = solid;
    let mut before = false;
    let mut gap: Option<usize> = None;
    for (i, part) in parts.iter().enumerate() {
        if is_gap(part.piece) {
            if before && gap.is_none() {
                gap = Some(i);
            }
        } else if drawn[i] > 0 {
            if let Some(g) = gap.take() {
                spaced[g] = parts[g];
            }
            before = true;
        }
    }
    plan(&spaced, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum P {
        Gap,
        A,
        B,
        C,
    }

    fn parts(b: u16) -> [Part<P>; 6] {
        [
            Part::gap(P::Gap, 9),
            Part::fixed(P::A, 2, 1),
            Part::gap(P::Gap, 9),
            Part::fixed(P::B, b, 2),
            Part::gap(P::Gap, 8),
            Part::fixed(P::C, 1, 3),
        ]
    }

    #[test]
    fn gaps_only_separate_drawn_parts() {
        let gap = |p: P| p == P::Gap;
        assert_eq!(plan_spaced(&parts(1), 20, gap), [0, 2, 1, 1, 1, 1]);
        // B is not drawn: one gap between A and C, the first.
        assert_eq!(plan_spaced(&parts(0), 20, gap), [0, 2, 1, 0, 0, 1]);
        // Only A fits: no gap at all.
        assert_eq!(plan_spaced(&parts(1), 2, gap), [0, 2, 0, 0, 0, 0]);
        // The gaps take what the parts leave, by their own rank.
        assert_eq!(plan_spaced(&parts(1), 5, gap), [0, 2, 0, 1, 1, 1]);
    }
}
