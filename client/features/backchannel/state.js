// The facilitators' private backchannel: same shape and rules as the room chat.
export { initialChat as initialBackchannel, addMessage, validateText } from "../chat/state.js";
