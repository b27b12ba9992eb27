//! Where panels go on Grafana's 24-column grid: left to right, wrapping to a new line, with
//! full-width rows. Also the overlap check every generated dashboard must pass.

use serde::{Deserialize, Serialize};

/// Grafana's grid is 24 columns wide.
pub(crate) const COLUMNS: u32 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridPos {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl GridPos {
    pub(crate) fn overlaps(&self, other: &GridPos) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }
}

/// Places panels in reading order.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    x: u32,
    y: u32,
    /// Height of the tallest panel on the current line.
    line_height: u32,
}

impl Grid {
    /// The next position for a `w`×`h` panel (`w` is clamped to 1–24).
    pub fn place(&mut self, w: u32, h: u32) -> GridPos {
        let w = w.clamp(1, COLUMNS);
        if self.x + w > COLUMNS {
            self.new_line();
        }
        let pos = GridPos {
            x: self.x,
            y: self.y,
            w,
            h,
        };
        self.x += w;
        self.line_height = self.line_height.max(h);
        pos
    }

    /// A full-width row header (height 1) on a line of its own.
    pub fn row(&mut self) -> GridPos {
        self.new_line();
        let pos = GridPos {
            x: 0,
            y: self.y,
            w: COLUMNS,
            h: 1,
        };
        self.y += 1;
        pos
    }

    fn new_line(&mut self) {
        self.y += self.line_height;
        self.x = 0;
        self.line_height = 0;
    }
}

/// The first pair of positions that overlap or leave the grid, if any.
pub fn find_overlap(positions: &[GridPos]) -> Option<(GridPos, GridPos)> {
    for (i, a) in positions.iter().enumerate() {
        if a.x + a.w > COLUMNS || a.w == 0 || a.h == 0 {
            return Some((*a, *a));
        }
        for b in &positions[i + 1..] {
            if a.overlaps(b) {
                return Some((*a, *b));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_wrap_and_rows_start_new_lines() {
        let mut grid = Grid::default();
        let placed = vec![
            grid.row(),
            grid.place(12, 8),
            grid.place(12, 4),
            grid.place(8, 6),
            grid.row(),
            grid.place(30, 5),
        ];
        let want = [
            GridPos {
                x: 0,
                y: 0,
                w: 24,
                h: 1,
            },
            GridPos {
                x: 0,
                y: 1,
                w: 12,
                h: 8,
            },
            GridPos {
                x: 12,
                y: 1,
                w: 12,
                h: 4,
            },
            GridPos {
                x: 0,
                y: 9,
                w: 8,
                h: 6,
            },
            GridPos {
                x: 0,
                y: 15,
                w: 24,
                h: 1,
            },
            GridPos {
                x: 0,
                y: 16,
                w: 24,
                h: 5,
            },
        ];
        assert_eq!(placed, want);
        assert_eq!(find_overlap(&placed), None);
    }

    #[test]
    fn overlap_is_found() {
        let a = GridPos {
            x: 0,
            y: 0,
            w: 12,
            h: 8,
        };
        let cases = [
            (
                GridPos {
                    x: 11,
                    y: 7,
                    w: 2,
                    h: 2,
                },
                true,
            ),
            (
                GridPos {
                    x: 12,
                    y: 0,
                    w: 12,
                    h: 8,
                },
                false,
            ),
            (
                GridPos {
                    x: 0,
                    y: 8,
                    w: 24,
                    h: 1,
                },
                false,
            ),
        ];
        for (b, want) in cases {
            assert_eq!(a.overlaps(&b), want, "{b:?}");
            assert_eq!(find_overlap(&[a, b]).is_some(), want, "{b:?}");
        }
        assert!(find_overlap(&[GridPos {
            x: 20,
            y: 0,
            w: 8,
            h: 1
        }])
        .is_some());
    }
}
