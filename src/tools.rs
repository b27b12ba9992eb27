//! The real programs' own checkers (promtool, amtool, and checks inside component images).
