//! What a kind of agent plugs into the simulation, in the spirit of bevy's plugins: one
//! function that spawns its agents and inserts its resources, and one that adds its systems.
//! The wiring ([`crate::engine`]) calls every kind's in registration order, which is also the
//! order agent ids are assigned in.

use super::components::{Account, Agent, AgentId, AgentKind};
use super::phase::DecideTurn;
use super::resources::BookId;
use crate::scenario::Scenario;
use bevy_ecs::prelude::*;

/// A kind of agent, as the wiring sees it.
#[derive(Clone, Copy)]
pub struct KindPlugin {
    /// Spawns the kind's agents (through [`SetupContext::spawn`], so that ids follow the
    /// registration order) and inserts its resources.
    pub install: fn(&mut World, &Scenario, &mut SetupContext),
    /// Adds the kind's systems to the schedule; its decide-phase systems go in `turn`. A kind
    /// may leave out systems the scenario has no use for (each system costs its fetch every
    /// step, even when it has nothing to do).
    pub systems: fn(&mut Schedule, DecideTurn, &Scenario),
}

/// What the kinds' installs share while the world is built: the next agent id, the agent
/// directory, and what the exchange and the fundamental need to know about the agents.
#[derive(Debug)]
pub struct SetupContext {
    /// Step length, ns.
    pub dt_ns: u64,
    next_id: u32,
    /// Entities by agent id.
    pub index: Vec<Entity>,
    /// Kind and group name by agent id.
    pub directory: Vec<(AgentKind, String)>,
    /// Position limit by agent id (`None`: unlimited), for the exchange's risk gate.
    pub limits: Vec<Option<u64>>,
    /// Agents whose orders are anonymous to self-trade prevention.
    pub anonymous: Vec<u32>,
    /// Steps of fundamental history some agent looks back (its observation delay).
    pub history_steps: usize,
}

impl SetupContext {
    /// An empty context for a world stepping every `dt_ns`.
    pub fn new(dt_ns: u64) -> Self {
        SetupContext {
            dt_ns,
            next_id: 0,
            index: Vec::new(),
            directory: Vec::new(),
            limits: Vec::new(),
            anonymous: Vec::new(),
            history_steps: 0,
        }
    }

    /// Spawns an agent with the components every agent carries and the next id; the kind
    /// inserts its own components on the returned entity.
    pub fn spawn(
        &mut self,
        world: &mut World,
        kind: AgentKind,
        group: usize,
        book: BookId,
        name: &str,
        limit: Option<u64>,
    ) -> (u32, Entity) {
        let id = self.next_id;
        self.next_id += 1;
        let e = world
            .spawn((
                AgentId(id),
                Agent {
                    kind,
                    group: group as u32,
                    book,
                },
                Account::default(),
            ))
            .id();
        self.directory.push((kind, name.to_string()));
        self.index.push(e);
        self.limits.push(limit);
        (id, e)
    }
}
