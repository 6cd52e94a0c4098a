/** Moved to core/ (a leaf every layer may import); kept so that ops code keeps its imports. */
export * from '../core/events.js';
