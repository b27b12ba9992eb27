//! The only module that imports bollard: the engine trait and its Docker implementation.
